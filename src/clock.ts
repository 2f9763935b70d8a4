// The time source, injected so that expiry and rate rules are tested by moving time, not by sleeping.
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
