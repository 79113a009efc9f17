import { expect, test } from 'bun:test';
import { neo4jTls } from './neo4j-tls';

test('without a CA the URL decides (bolt, bolt+s, +ssc); with one, the plain scheme plus encryption trusting that CA only', () => {
  expect(neo4jTls('neo4j+s://g:7687')).toEqual({ url: 'neo4j+s://g:7687', config: {} });
  const custom = { encrypted: 'ENCRYPTION_ON' as const, trust: 'TRUST_CUSTOM_CA_SIGNED_CERTIFICATES' as const, trustedCertificates: ['/ca.pem'] };
  expect(neo4jTls('neo4j+s://g:7687', '/ca.pem')).toEqual({ url: 'neo4j://g:7687', config: custom });
  expect(neo4jTls('bolt+s://g:7687', '/ca.pem')).toEqual({ url: 'bolt://g:7687', config: custom });
  expect(neo4jTls('bolt://g:7687', '/ca.pem')).toEqual({ url: 'bolt://g:7687', config: custom });
});
