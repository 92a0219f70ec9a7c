// Injection token of the service's checked configuration.
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
