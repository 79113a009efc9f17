import { FRIEND_EVENTS_TOPIC } from '../../friend/contracts/events';
import { USER_EVENTS_TOPIC } from '../../user/contracts/events';

/**
 * The log stores a row's topic as '' when it is the one its stream id names (`user-42` is on the
 * user topic, `friendship-7-42` on the friend topic): one byte instead of a name on nearly every
 * row. Anything else (an event on a topic its stream does not belong to) keeps its topic as
 * received, so the topic read back is always the one the event came from.
 */
const TOPIC_OF_STREAM_KIND = new Map([['user', USER_EVENTS_TOPIC], ['friendship', FRIEND_EVENTS_TOPIC]]);

function topicOfStream(streamId: string): string | undefined {
  const dash = streamId.indexOf('-');
  return dash < 0 ? undefined : TOPIC_OF_STREAM_KIND.get(streamId.slice(0, dash));
}

/** What the log stores for an event received on `topic`. */
export const storedTopic = (topic: string, streamId: string): string => (topicOfStream(streamId) === topic ? '' : topic);

/** The topic an event was received on, from what the log stored. */
export const topicOf = (stored: string, streamId: string): string => stored || topicOfStream(streamId) || '';
