// The shape every event of the ledger has: a permanent type string and its data. A capability names
// its events in a map from type to data; `EventOf` turns the map into the union its evolve switches on.
/** An amount as stored: a decimal string with two decimals ("300000.00"). */
export type Amount = string;

export type EventOf<Map> = { [T in keyof Map & string]: { readonly type: T; readonly data: Map[T] } }[keyof Map & string];

/** An event as read back: who recorded it and when come with it (the actor can matter to a rule). */
export type Recorded<E> = E & { readonly actorId: string; readonly recordedAt: string };

export function event<Map, T extends keyof Map & string>(type: T, data: Map[T]): { readonly type: T; readonly data: Map[T] } {
  return { type, data };
}
