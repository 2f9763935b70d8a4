// The key the per-client limits count a client address by: an IPv4 address, or an IPv6 client's /64; pure.
import { isIP } from 'node:net'

/**
 * One IPv4 address, or one IPv6 /64, is one client: a single subscriber line gets a whole /64 and may take any
 * address in it, so counting IPv6 addresses one by one would give one client 2^64 allowances. An IPv4-mapped
 * address (`::ffff:203.0.113.7`, what a dual-stack socket reports for an IPv4 peer) is the IPv4 address.
 * Anything that is not an address is returned as it is.
 */
export function clientKey(address: string): string {
  if (isIP(address) !== 6) return address
  const groups = ipv6Groups(address)
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const high = groups[6] as number
    const low = groups[7] as number
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`
}

/** The eight 16-bit groups of an address isIP accepted as IPv6 (`::` expanded, a trailing dotted IPv4 read, a zone dropped). */
function ipv6Groups(address: string): number[] {
  let text = (address.split('%', 1)[0] as string).toLowerCase()
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number]
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined]
  const before = head === '' ? [] : head.split(':')
  const after = rest === undefined || rest === '' ? [] : rest.split(':')
  const groups = rest === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after]
  return groups.map((g) => parseInt(g, 16))
}
