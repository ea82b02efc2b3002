// What the playground page is sent: the stand-in Slack's conversations, modals, Home tabs and errors.
// Shared by the server and the browser code, so it imports nothing.

export type Json = Record<string, unknown>;

export interface Message {
  ts: string;
  /** The person who wrote it; absent for Pushpull's own messages. */
  user?: string;
  text: string;
  blocks?: Json[];
}

export interface Conversation {
  id: string;
  /** `dm` is a person's DM with Pushpull. */
  kind: 'dm' | 'channel';
  name: string;
  /** For a DM: whose it is. */
  owner?: string;
  messages: Message[];
}

/** A reply only one person sees, in the channel they were in. */
export interface Ephemeral {
  id: string;
  channel: string;
  user: string;
  text: string;
  blocks?: Json[];
}

export interface OpenView {
  id: string;
  user: string;
  view: Json;
}

export interface SlackError {
  at: number;
  method: string;
  messages: string[];
}

export interface WorkspaceState {
  version: number;
  people: { id: string; name: string; title: string }[];
  channels: { id: string; name: string; purpose: string }[];
  conversations: Conversation[];
  ephemerals: Ephemeral[];
  /** Each person's modal stack, bottom first. */
  modals: Record<string, OpenView[]>;
  homes: Record<string, Json>;
  errors: SlackError[];
}
