import { expect, test } from 'bun:test';
import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';
import { storedTopic, topicOf } from './log-topics';

test('a topic its stream id names is stored empty and read back as that topic', () => {
  expect(storedTopic(USER_EVENTS_TOPIC, 'user-42')).toBe('');
  expect(storedTopic(FRIEND_EVENTS_TOPIC, 'friendship-7-42')).toBe('');
  expect(topicOf('', 'user-42')).toBe(USER_EVENTS_TOPIC);
  expect(topicOf('', 'friendship-7-42')).toBe(FRIEND_EVENTS_TOPIC);
});

test('any other topic is stored as received, so the topic read back is always the one the event came on', () => {
  const cases: [string, string][] = [
    [FRIEND_EVENTS_TOPIC, 'user-42'],
    [USER_EVENTS_TOPIC, 'friendship-7-42'],
    ['other-events', 'user-42'],
    [USER_EVENTS_TOPIC, 'user'],
    [USER_EVENTS_TOPIC, 'userx'],
    [USER_EVENTS_TOPIC, 'constructor-1'],
    [USER_EVENTS_TOPIC, ''],
  ];
  for (const [topic, streamId] of cases) {
    expect(storedTopic(topic, streamId)).toBe(topic);
    expect(topicOf(storedTopic(topic, streamId), streamId)).toBe(topic);
  }
});
