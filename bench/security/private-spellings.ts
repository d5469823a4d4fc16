/**
 * Ways to write an address inside the server's network. `reachable` ones lead to this machine's loopback
 * (a listener on `port` there sees the connection if anything connects); the others name private networks,
 * link-local cloud metadata services and names that should not leave the machine — nothing listens there,
 * so what matters is that the server never tries.
 */
export interface Spelling {
  /** What it is, for the figures. */
  name: string;
  url: string;
  reachable: boolean;
}

export function privateSpellings(port: number): Spelling[] {
  const at = (host: string, scheme = 'https') => `${scheme}://${host}:${port}/token.json`;
  const loopback: Array<[string, string]> = [
    ['dotted', '127.0.0.1'],
    ['short', '127.1'],
    ['three parts', '127.0.1'],
    ['hex parts', '0x7f.0x0.0x0.0x1'],
    ['hex short', '0x7f.1'],
    ['hex whole', '0x7f000001'],
    ['decimal whole', '2130706433'],
    ['octal whole', '017700000001'],
    ['octal parts', '0177.0.0.01'],
    ['zero padded', '127.000.000.001'],
    ['another loopback', '127.8.9.10'],
    ['zero', '0'],
    ['any', '0.0.0.0'],
    ['fullwidth digits', '１２７．０．０．１'],
    ['circled digits', '①②⑦.⓪.⓪.①'],
    ['ipv6 loopback', '[::1]'],
    ['ipv6 loopback long', '[0:0:0:0:0:0:0:1]'],
    ['ipv4-mapped', '[::ffff:127.0.0.1]'],
    ['ipv4-mapped hex', '[::ffff:7f00:1]'],
    ['ipv4-mapped long', '[0:0:0:0:0:ffff:7f00:1]'],
    ['ipv6 any', '[::]'],
    ['localhost', 'localhost'],
    ['localhost upper case', 'LOCALHOST'],
    ['localhost trailing dot', 'localhost.'],
    ['hosts-file name', 'vm'],
    ['subdomain of localhost', 'api.localhost'],
  ];
  const elsewhere: Array<[string, string]> = [
    ['cloud metadata', '169.254.169.254'],
    ['cloud metadata decimal', '2852039166'],
    ['cloud metadata hex', '0xa9fea9fe'],
    ['cloud metadata ipv4-mapped', '[::ffff:a9fe:a9fe]'],
    ['cloud metadata nat64', '[64:ff9b::a9fe:a9fe]'],
    ['aws metadata ipv6', '[fd00:ec2::254]'],
    ['ecs task metadata', '169.254.170.2'],
    ['alibaba metadata (cgnat)', '100.100.100.200'],
    ['private 10/8', '10.0.0.1'],
    ['private 172.16/12', '172.16.0.1'],
    ['private 192.168/16', '192.168.0.1'],
    ['ipv4-compatible', '[::127.0.0.1]'],
    ['6to4 of loopback', '[2002:7f00:1::]'],
    ['teredo', '[2001:0:4136:e378:8000:63bf:3fff:fdd2]'],
    ['link-local ipv6', '[fe80::1]'],
    ['unique-local ipv6', '[fd12:3456::1]'],
    ['multicast', '224.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['gcp metadata name', 'metadata.google.internal'],
    ['wildcard dns to loopback', '127.0.0.1.nip.io'],
  ];
  return [
    ...loopback.map(([name, host]) => ({ name, url: at(host), reachable: true })),
    // Plain http (refused for its scheme on a real chain) and credentials in the URL.
    { name: 'dotted over http', url: at('127.0.0.1', 'http'), reachable: true },
    { name: 'credentials', url: `https://user:secret@127.0.0.1:${port}/token.json`, reachable: true },
    ...elsewhere.map(([name, host]) => ({ name, url: at(host), reachable: false })),
  ];
}
