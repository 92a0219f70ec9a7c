// Bearer tokens: HS256 JWTs with the claims `sub` and `roles` (SPEC §7).
import { SignJWT } from 'jose';
import { roles, type Role } from '../shared/actor.js';
import { ConfigError } from '../config.js';

export function parseRoles(text: string): Role[] {
  const parsed = text
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const unknown = parsed.find((r) => !(roles as readonly string[]).includes(r));
  if (parsed.length === 0 || unknown !== undefined) throw new ConfigError(`roles must be a comma-separated list of ${roles.join(', ')}${unknown ? `, got "${unknown}"` : ''}`);
  return parsed as Role[];
}

export async function mintToken(secret: string, claims: { sub: string; roles: readonly Role[] }, expiresIn = '8h'): Promise<string> {
  return new SignJWT({ roles: [...claims.roles] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
