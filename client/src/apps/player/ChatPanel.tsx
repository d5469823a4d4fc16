/**
 * Chat: the lines this visitor received (both channels, marked), and a box to send on the chosen one —
 * Nearby (those who can see you) or Everyone (the whole instance). Enter opens the box from anywhere,
 * Enter sends, Escape goes back to moving. Refusals (too long, too fast, muted) show as lines here.
 * Reads the store on the HUD's refresh.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { CHAT_MAX_CHARS, type ChatChannel } from '../../../../protocol/index.js';
import type { WorldConnection } from '../../shared/net/world-connection.js';
import { keyBelongsToControl } from '../../shared/world/systems/keyboard.js';
import type { ChatEntry, WorldStore } from '../../shared/world/world-store.js';

const CHANNEL_LABEL: Record<ChatEntry['channel'], string> = {
  nearby: 'Nearby',
  instance: 'Everyone',
  system: 'Note',
};

export function ChatPanel({
  store,
  connection,
  lines,
}: {
  store: WorldStore;
  connection: WorldConnection | null;
  lines: ChatEntry[];
}) {
  const [channel, setChannel] = useState<ChatChannel>('nearby');
  const [text, setText] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const log = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const open = (event: globalThis.KeyboardEvent) => {
      if (event.code !== 'Enter' || keyBelongsToControl(event)) return;
      event.preventDefault();
      input.current?.focus();
    };
    window.addEventListener('keydown', open);
    return () => window.removeEventListener('keydown', open);
  }, []);
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
  }, [lines]);

  const send = () => {
    const line = text.trim();
    if (!line || !connection) return;
    connection.say(channel, line);
    setText('');
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (text.trim()) send();
      else input.current?.blur();
    } else if (event.key === 'Escape') {
      input.current?.blur();
    }
  };
  const shown = lines.filter((line) => !store.blocked.has(line.from));
  return (
    <div className="chat" aria-label="Chat">
      <div className="chat-log" ref={log} role="log" aria-live="polite">
        {shown.map((line) => (
          <div key={line.key} className={`chat-line ${line.channel}`} data-channel={line.channel}>
            <span className="chat-channel">{CHANNEL_LABEL[line.channel]}</span>
            {line.name && <span className="chat-name">{line.name}</span>}
            <span className="chat-text">{line.text}</span>
          </div>
        ))}
      </div>
      <div className="chat-send">
        <select
          aria-label="Chat channel"
          value={channel}
          onChange={(event) => setChannel(event.target.value as ChatChannel)}
        >
          <option value="nearby">Nearby</option>
          <option value="instance">Everyone</option>
        </select>
        <input
          ref={input}
          className="chat-input"
          aria-label="Chat message"
          placeholder={connection ? 'Press Enter to chat' : 'Chat opens when you join'}
          maxLength={CHAT_MAX_CHARS}
          value={text}
          disabled={!connection}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKey}
        />
      </div>
    </div>
  );
}
