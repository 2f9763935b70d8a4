// The key per-client limits count by: an IPv4 address as it is, an IPv6 address by its /64, a mapped IPv4 as IPv4.
import t from 'tap'
import { clientKey } from '../../src/verify/client-key.js'

t.test('an IPv4 address is its own key', async (t) => {
  t.equal(clientKey('203.0.113.7'), '203.0.113.7')
  t.equal(clientKey('127.0.0.1'), '127.0.0.1')
})

t.test('every address of one IPv6 /64 has the same key, however it is written', async (t) => {
  const key = '2001:db8:1:2::/64'
  for (const address of [
    '2001:db8:1:2::1',
    '2001:db8:1:2::e',
    '2001:0db8:0001:0002:ffff:ffff:ffff:ffff',
    '2001:DB8:1:2:0:0:0:0',
    '2001:db8:1:2::',
    '2001:db8:1:2:a:b::c',
    '2001:db8:1:2::1.2.3.4',
    '2001:db8:1:2::1%eth0',
  ])
    t.equal(clientKey(address), key, address)
  t.equal(clientKey('2001:db8:1:3::1'), '2001:db8:1:3::/64', 'the next /64 is another client')
  t.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64')
  t.equal(clientKey('::1'), '0:0:0:0::/64')
  t.equal(clientKey('::'), '0:0:0:0::/64')
  t.equal(clientKey('fe80::1'), 'fe80:0:0:0::/64')
})

t.test('an IPv4-mapped IPv6 address is the IPv4 address', async (t) => {
  t.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7')
  t.equal(clientKey('::FFFF:203.0.113.7'), '203.0.113.7')
  t.equal(clientKey('::ffff:cb00:7107'), '203.0.113.7', 'the same address in hex')
  t.equal(clientKey('0:0:0:0:0:ffff:127.0.0.1'), '127.0.0.1')
  t.equal(clientKey('::fffe:203.0.113.7'), '0:0:0:0::/64', 'not mapped: an ordinary IPv6 address')
})

t.test('what is not an address is left as it is', async (t) => {
  t.equal(clientKey('unknown'), 'unknown')
  t.equal(clientKey(''), '')
})
