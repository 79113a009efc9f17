const prefix = `exp-${Math.random().toString(36).slice(2, 7)}`;
let fails = 0;
for (let round = 0; round < 40; round++) {
  const a = `${prefix}-${round}.user-events`, b = `${prefix}-${round}.friend-events`;
  const specs = [[a, 'friend'], [a, 'friend'], [`${a},${b}`, 'rec']];
  const outs = await Promise.all(specs.map(async ([topics, group]) => {
    const p = Bun.spawn(['bun', `${import.meta.dir}/sub-one.ts`, topics!, `${prefix}-${round}-${group}`], { stdout: 'pipe', stderr: 'ignore', env: process.env });
    return (await new Response(p.stdout).text()).trim();
  }));
  for (const o of outs) if (!o.startsWith('OK')) { fails++; console.log(`round ${round}:`, o.slice(0, 1500)); }
}
console.log('fails', fails);
const { Kafka, logLevel } = await import('kafkajs');
const admin = new Kafka({ clientId: 'x', brokers: [process.env.KAFKA_BROKERS!], logLevel: logLevel.NOTHING }).admin(); await admin.connect();
const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
await admin.deleteTopics({ topics });
const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
await admin.deleteGroups(groups).catch(() => {});
await admin.disconnect();
