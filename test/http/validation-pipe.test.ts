// The validation pipe's shortcut for inputs seen before (no fields, or a query string): the answer is
// the one validating them gives, defaults included, and an input a DTO refuses is refused every time.
// Each class's rules are looked up once: a rule declared later still applies, and so do inherited ones.
import 'reflect-metadata';
import { IsInt, IsOptional, IsString, Length, ValidateBy } from 'class-validator';
import { validationPipe } from '../../src/http/validation.js';

class ListQuery {
  @IsOptional()
  @IsInt()
  limit?: number = 50;
}

class NamedBody {
  @IsString()
  name!: string;
}

describe('the validation pipe', () => {
  const pipe = validationPipe();

  it('answers an empty input as validating it does, defaults included, each time with an object of its own', async () => {
    const first = (await pipe.transform({}, { type: 'query', metatype: ListQuery })) as Record<string, unknown>;
    const second = (await pipe.transform({}, { type: 'query', metatype: ListQuery })) as Record<string, unknown>;
    expect(first).toEqual({ limit: 50 });
    expect(second).toEqual({ limit: 50 });
    second['limit'] = 1;
    expect(await pipe.transform({}, { type: 'query', metatype: ListQuery })).toEqual({ limit: 50 });
  });

  it('answers a query seen before as validating it did, and validates a new one', async () => {
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform({ limit: '7' }, { type: 'query', metatype: ListQuery })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
    }
    class YearQuery {
      @IsOptional()
      @IsString()
      year?: string;
    }
    for (let i = 0; i < 2; i += 1) expect(await pipe.transform({ year: '2025' }, { type: 'query', metatype: YearQuery })).toEqual({ year: '2025' });
    await expect(pipe.transform({ year: '2025', more: 'x' }, { type: 'query', metatype: YearQuery })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
  });

  it("validates a query string as Fastify parses it (an object whose prototype is not Object's) once, and refuses a bad one every time", async () => {
    let validated = 0;
    class CountedQuery {
      @IsOptional()
      @ValidateBy({ name: 'isYearText', validator: { validate: (value: unknown) => (validated += 1) > 0 && typeof value === 'string' && /^[0-9]{4}$/.test(value) } })
      year?: string;
    }
    const parsed = (fields: Record<string, string>) => Object.assign(Object.create(Object.create(null) as object) as object, fields);
    for (let i = 0; i < 3; i += 1) expect(await pipe.transform(parsed({ year: '2025' }), { type: 'query', metatype: CountedQuery })).toEqual({ year: '2025' });
    expect(validated).toBe(1);
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform(parsed({ year: 'soon' }), { type: 'query', metatype: CountedQuery })).rejects.toMatchObject({
        problem: { code: 'VALIDATION_FAILED', field: 'year' },
      });
    }
    expect(validated).toBe(3);
  });

  it('passes a route parameter without a class as it is', async () => {
    expect(await pipe.transform('baoding-data-voucher', { type: 'param', metatype: String, data: 'programmeId' })).toBe('baoding-data-voucher');
  });

  it('still validates any field present', async () => {
    await expect(pipe.transform({}, { type: 'query', metatype: ListQuery })).resolves.toEqual({ limit: 50 });
    await expect(pipe.transform({ limit: 'many' }, { type: 'query', metatype: ListQuery })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
    await expect(pipe.transform({ other: 1 }, { type: 'query', metatype: ListQuery })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED' } });
  });

  it('applies a rule declared after its class was first validated', async () => {
    class LaterBody {
      @IsString()
      name!: string;
    }
    expect(await pipe.transform({ name: 'abcdef' }, { type: 'body', metatype: LaterBody })).toEqual({ name: 'abcdef' });
    Length(1, 3)(LaterBody.prototype, 'name');
    await expect(pipe.transform({ name: 'abcdef' }, { type: 'body', metatype: LaterBody })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED', field: 'name' } });
    expect(await pipe.transform({ name: 'abc' }, { type: 'body', metatype: LaterBody })).toEqual({ name: 'abc' });
  });

  it("holds a DTO to the rules it inherits, and its parent to the parent's alone", async () => {
    class ParentBody {
      @IsString()
      name!: string;
    }
    class ChildBody extends ParentBody {
      @IsInt()
      year!: number;
    }
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform({ name: 7, year: 2025 }, { type: 'body', metatype: ChildBody })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED', field: 'name' } });
      expect(await pipe.transform({ name: 'x', year: 2025 }, { type: 'body', metatype: ChildBody })).toEqual({ name: 'x', year: 2025 });
      await expect(pipe.transform({ name: 'x', year: 2025 }, { type: 'body', metatype: ParentBody })).rejects.toMatchObject({
        problem: { code: 'VALIDATION_FAILED', field: 'year' },
      });
    }
  });

  it('refuses an empty input its DTO refuses, every time', async () => {
    for (let i = 0; i < 2; i += 1) {
      await expect(pipe.transform({}, { type: 'body', metatype: NamedBody })).rejects.toMatchObject({ problem: { code: 'VALIDATION_FAILED', field: 'name' } });
    }
  });
});
