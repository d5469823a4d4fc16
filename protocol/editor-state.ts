/**
 * The live editor room's state (Colyseus schema 5): who is editing, each one's identity set by the server
 * from their account (a client cannot name itself), and where each one looks and what it has selected.
 */
import { schema, t, type SchemaType } from '@colyseus/schema';

export const EditorPresence = schema(
  {
    /** The account's display name. */
    name: t.string().default(''),
    /** #rrggbb, from the account id: the same colour on every page and every visit. */
    colour: t.string().default('#888888'),
    /** The account id (several pages of one account are several editors). */
    account: t.string().default(''),
    /** Whether this editor may change the draft (false: it watches). */
    canEdit: t.boolean().default(true),
    /** The Yjs client id of its studio. */
    clientId: t.float64().default(0),
    selection: t.array('string'),
    /** Camera position then target, metres (empty until its viewport draws). */
    camera: t.array('float32'),
    /** Where its pointer rests on the scene, metres (empty when off the viewport). */
    pointer: t.array('float32'),
  },
  'EditorPresence',
);
export type EditorPresence = SchemaType<typeof EditorPresence>;

export const EditorState = schema({ editors: t.map(EditorPresence) }, 'EditorState');
export type EditorState = SchemaType<typeof EditorState>;
