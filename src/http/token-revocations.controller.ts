// POST /api/admin/token-revocations: an administrator revokes a user's tokens issued before an
// instant (why an event appended here rather than a command: see token-revocations.ts).
import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length, ValidateBy } from 'class-validator';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import type { Actor } from '../shared/actor.js';
import { derivedUuid } from '../shared/identifiers.js';
import { keyPattern } from '../shared/patterns.js';
import { streams } from '../shared/streams.js';
import { isInstant } from '../shared/time.js';
import { CurrentActor } from './auth.js';
import { Endpoint } from './openapi.js';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';
import { TokenRevocations } from './token-revocations.js';

function IsInstantText(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: { validate: isInstant, defaultMessage: () => 'issuedBefore must be an ISO 8601 instant with a zone, such as 2025-07-01T09:30:00+08:00' },
  });
}

export class TokenRevocationDto {
  @ApiProperty({ description: "The user whose tokens are revoked (the tokens' `sub`) / 用户", example: 'reviewer-7' })
  @IsString()
  @Length(1, 200)
  userId!: string;

  @ApiPropertyOptional({ description: 'Tokens issued before this instant are refused; now if absent / 在此时间之前签发的令牌失效', format: 'date-time' })
  @IsOptional()
  @IsString()
  @IsInstantText()
  issuedBefore?: string;

  @ApiProperty({ description: 'Why / 理由', example: 'laptop lost' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class TokenRevocationResult {
  @ApiProperty() userId!: string;
  @ApiProperty({ format: 'date-time' }) issuedBefore!: string;
  @ApiProperty({ description: 'Log position of the revocation' }) position!: string;
}

export const REVOCATION_CLOCK = Symbol('REVOCATION_CLOCK');

@ApiTags('administration')
@ApiBearerAuth()
@Controller('admin')
export class TokenRevocationController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly revocations: TokenRevocations,
    @Inject(REVOCATION_CLOCK) private readonly clock: () => Date,
  ) {}

  @Post('token-revocations')
  @HttpCode(201)
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @Endpoint({ id: 'revokeTokens', summary: "Revoke a user's tokens issued before an instant / 吊销用户令牌", roles: ['admin'], status: 201, type: TokenRevocationResult })
  async revoke(@Body() body: TokenRevocationDto, @Headers('idempotency-key') key: string | undefined, @CurrentActor() actor: Actor): Promise<TokenRevocationResult> {
    if (key === undefined || !keyPattern.test(key))
      throw new ApiError(problemOf('VALIDATION_FAILED', 'send an Idempotency-Key header (letters, digits and . _ : / -)', { field: 'Idempotency-Key' }));
    const now = this.clock();
    const issuedBefore = body.issuedBefore === undefined ? now.toISOString() : new Date(body.issuedBefore).toISOString();
    if (Date.parse(issuedBefore) > now.getTime()) {
      throw new ApiError(problemOf('VALIDATION_FAILED', 'issuedBefore must not be in the future', { field: 'issuedBefore' }));
    }
    const id = derivedUuid(key, 'TokensRevoked');
    const stream = streams.tokenRevocations();
    const earlier = await this.revocations.recorded(id);
    if (earlier !== undefined) return { userId: earlier.userId, issuedBefore: earlier.issuedBefore, position: earlier.position.toString() };
    const appended = await this.store.append(
      stream,
      [
        {
          id,
          type: 'TokensRevoked',
          schemaVersion: 1,
          data: { userId: body.userId, issuedBefore, reason: body.reason },
          metadata: { actorId: actor.id, actorRole: 'admin', commandId: key, correlationId: key, causationId: null, recordedAt: now.toISOString() },
        },
      ],
      'any',
    );
    await this.store.flush?.();
    this.revocations.invalidate();
    return { userId: body.userId, issuedBefore, position: appended.position.toString() };
  }
}
