// The global validation of request bodies against their DTOs: unknown fields refused, and every
// failure a VALIDATION_FAILED problem naming the field's path (items[0].amount).
import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';

function failures(errors: readonly ValidationError[], path = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = /^[0-9]+$/.test(error.property) ? `${path}[${error.property}]` : path === '' ? error.property : `${path}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...failures(error.children ?? [], field)];
  });
}

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const all = failures(errors);
      const first = all[0] ?? { field: 'body', message: 'body is not valid' };
      return new ApiError(problemOf('VALIDATION_FAILED', all.map((f) => f.message).join('; ') || first.message, { field: first.field }));
    },
  });
}
