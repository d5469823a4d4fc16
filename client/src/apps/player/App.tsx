import { entryBarProgress, megabytes } from '../../shared/world/loading-progress.js';
import { useCallback, useEffect, useRef, useState, type MouseEvent } from 'react';
import { stayInWorld } from '../../shared/net/stay-in-world.js';
import type { WorldConnection } from '../../shared/net/world-connection.js';
import { instanceFromUrl, inviteLink, joinOptionsFromUrl } from '../../shared/world/join-options.js';
import type { JoinOptions } from '../../../../protocol/index.js';
import { ChatPanel } from './ChatPanel.js';
import { EmoteBar, ItemsPanel, PeopleList, SettingsPanel, SignInPanel, TouchControls } from './on-demand.js';
import { readPeople } from '../../shared/world/people.js';
import { signedInAs } from '../../shared/net/guest-session.js';
import { hasTouchScreen } from './touch-screen.js';
import { loadSettings, pageStorage, saveSettings, type PlayerSettings } from '../../shared/world/settings.js';
import type { AvatarRendererOptions } from '../../shared/avatars/avatar-renderer.js';
import { WorldScene } from '../../shared/world/view/WorldScene.js';
import { usePolled } from '../../shared/world/use-polled.js';
import { installKeyboard, isTyping } from '../../shared/world/systems/keyboard.js';
import { focusFirstWhenShown, focusedByKeyboard } from './panel-focus.js';
import type { WorldStore } from '../../shared/world/world-store.js';
import { VideoButtons } from './VideoButtons.js';
import { EnterVrButton, type VrEntered } from './vr/EnterVrButton.js';

/** How often the HUD re-reads the store, in ms (the 3D view itself updates every frame). */
const HUD_REFRESH_MS = 100;

type Panel = 'people' | 'emotes' | 'settings' | 'account' | 'items';
/** Each panel's root element (the panels' own class names). */
const PANEL_SELECTOR: Record<Panel, string> = {
  people: '.people-list',
  emotes: '.emotes',
  settings: '.settings',
  account: '.sign-in',
  items: '.items-panel',
};

function useStoreView(store: WorldStore) {
  const read = () => ({
    connection: store.connection,
    problem: store.problem,
    progress: store.loading.progress,
    stage: store.loading.stage,
    presses: store.presses,
    people: store.remotes.size + (store.local ? 1 : 0),
    notice: store.notice && store.notice.until > performance.now() ? store.notice.text : null,
    voiceStatus: store.voiceStatus,
    microphone: store.microphone,
    voice: store.voice,
    camera: store.camera,
    screenShare: store.screenShare,
    canTalk: store.voice?.enabled === true && store.voice.room.canPublish,
    nearby: readPeople(store),
    chat: store.chat.slice(),
    canModerate: store.canModerate,
    roomId: store.roomId,
    otherInstance: store.joinFailure?.otherInstance === true,
  });
  return usePolled(read, HUD_REFRESH_MS);
}

export interface AppProps {
  store: WorldStore;
  /** Benchmark mode: the store is fed locally; no server is joined. */
  offline?: boolean;
  /** How avatars are drawn (the product's defaults unless a benchmark asks otherwise). */
  avatarRendering?: AvatarRendererOptions | undefined;
  /** Whom to join as, and where (the entry page's choice; else read from the address). */
  joinOptions?: JoinOptions | undefined;
}

export function App({ store, offline = false, avatarRendering, joinOptions }: AppProps) {
  const connection = useRef<WorldConnection | null>(null);
  const nameTagLayer = useRef<HTMLDivElement>(null);
  const [pressing, setPressing] = useState(false);
  // The VR session and its rig, while the visitor is in VR.
  const [vr, setVr] = useState<VrEntered | null>(null);
  const endVr = useCallback(() => setVr(null), []);
  const [showPeople, setShowPeople] = useState(false);
  const [showEmotes, setShowEmotes] = useState(false);
  const [showSettings, setShowSettings] = useState(false);
  const [showAccount, setShowAccount] = useState(false);
  const [showItems, setShowItems] = useState(false);
  const [account] = useState(signedInAs);
  const [touch] = useState(hasTouchScreen);
  const [settings, setSettings] = useState(() => (store.settings = loadSettings(pageStorage())));
  const changeSettings = (next: PlayerSettings) => {
    store.settings = next;
    saveSettings(pageStorage(), next);
    setSettings(next);
  };
  const view = useStoreView(store);

  // Whom to join as, and which instance when an invite link names one (read once per page).
  const [options] = useState(() => joinOptions ?? joinOptionsFromUrl(window.location.search));
  const [instance] = useState(() => instanceFromUrl(window.location.search));

  useEffect(() => installKeyboard(), []);
  useEffect(() => {
    if (offline) return;
    // The frame loop and the HUD read the live connection through this ref.
    const stay = stayInWorld(
      store,
      window.location.origin,
      options,
      (live) => (connection.current = live),
      instance,
    );
    // Leaving the page (reload, sign-in, closing the tab) leaves the room at once, so the avatar does not
    // linger for the reconnection grace period.
    const leave = () => void stay.stop();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [store, offline, options, instance]);

  // Loading completes with the first frame drawn after joining, once the models near the start are in
  // (or failed: a broken model shows as a placeholder, it does not hold the visitor at the door).
  useEffect(() => {
    if (view.connection !== 'joined' || store.loading.progress >= 1 || store.stats.avatars === 0) return;
    if (store.travellingTo) return; // fading out through a portal
    // The scene the room runs must be in (a refused scene keeps the card up, saying why), and its models
    // counted, before the visitor enters.
    if (store.sceneVersion < store.roomSceneVersion || store.modelsForVersion !== store.sceneVersion) return;
    const entry = store.entryProgress;
    if (entry.neededSettled < entry.needed) {
      store.loading = {
        progress: entryBarProgress(entry),
        stage: `Loading what is near you (${megabytes(entry.loaded)} of ${megabytes(entry.total)} MB)`,
      };
    } else store.loading = { progress: 1, stage: 'Ready' };
  });

  // Keyboard use of the panels: a panel opened from the keyboard takes the focus (its first control);
  // Escape closes the panel holding the focus — or every panel, when the focus is in none — and gives the
  // focus back to the button that opened it.
  const toggleButtons = useRef(new Map<Panel, HTMLButtonElement>());
  const toggleRef = (panel: Panel) => (button: HTMLButtonElement | null) => {
    if (button) toggleButtons.current.set(panel, button);
  };
  const toggle = (panel: Panel, shown: boolean, set: (shown: boolean) => void) => (event: MouseEvent) => {
    set(!shown);
    if (!shown && event.detail === 0) focusFirstWhenShown(PANEL_SELECTOR[panel]);
  };
  const shown: Record<Panel, [boolean, (shown: boolean) => void]> = {
    people: [showPeople, setShowPeople],
    emotes: [showEmotes, setShowEmotes],
    settings: [showSettings, setShowSettings],
    account: [showAccount, setShowAccount],
    items: [showItems, setShowItems],
  };
  useEffect(() => {
    const escape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      const open = (Object.keys(PANEL_SELECTOR) as Panel[]).filter((panel) => shown[panel][0]);
      const active = document.activeElement;
      const holding = open.find((panel) => active?.closest(PANEL_SELECTOR[panel]));
      if (!holding && isTyping(active)) return; // Escape in the chat field leaves the field only
      for (const panel of holding ? [holding] : open) shown[panel][1](false);
      if (holding) toggleButtons.current.get(holding)?.focus();
    };
    window.addEventListener('keydown', escape);
    return () => window.removeEventListener('keydown', escape);
    // `shown` is rebuilt each render from these four; the setters never change.
  }, [showPeople, showEmotes, showSettings, showAccount, showItems]);

  const closeEmotes = useCallback(() => {
    // An emote picked from the keyboard hands the focus back to the Emote button.
    if (focusedByKeyboard(PANEL_SELECTOR.emotes)) toggleButtons.current.get('emotes')?.focus();
    setShowEmotes(false);
  }, []);
  const press = () => {
    if (!connection.current) return;
    setPressing(true);
    connection.current
      .press()
      .catch((error: unknown) => {
        store.problem = `The press was not saved: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => setPressing(false));
  };

  const loaded = view.progress >= 1;
  return (
    <div className="player">
      <WorldScene
        store={store}
        connection={connection}
        nameTagLayer={nameTagLayer}
        avatarRendering={avatarRendering}
        settings={settings}
      >
        {vr && <vr.Rig session={vr.session} store={store} connection={connection} onEnd={endVr} />}
      </WorldScene>
      <div className="name-tags" ref={nameTagLayer} />
      {showPeople && (
        <PeopleList
          store={store}
          people={view.nearby}
          connection={view.canModerate && view.connection === 'joined' ? connection.current : null}
          invite={view.roomId ? inviteLink(options.world, view.roomId) : null}
        />
      )}
      {showAccount && <SignInPanel onDone={() => window.location.reload()} />}
      {showItems && <ItemsPanel store={store} world={options.world} />}
      {showEmotes && <EmoteBar onPicked={closeEmotes} />}
      {showSettings && <SettingsPanel settings={settings} onChange={changeSettings} />}
      {touch && view.connection === 'joined' && <TouchControls />}
      <ChatPanel
        store={store}
        connection={view.connection === 'joined' ? connection.current : null}
        lines={view.chat}
      />
      <div className="hud">
        {store.preview && (
          <span
            className="preview-badge"
            role="status"
            title="What you see is the saved draft; it reloads when the draft is saved"
          >
            Preview of the draft
          </span>
        )}
        {store.preview && (
          // Back to the editor of this world, which restores the selection and camera it had at Play.
          <a className="preview-back" href={`/studio/${options.world}`}>
            ← Back to studio
          </a>
        )}
        <button
          type="button"
          className="people"
          ref={toggleRef('people')}
          aria-expanded={showPeople}
          onClick={toggle('people', showPeople, setShowPeople)}
        >
          {view.people} here
        </button>
        <button
          type="button"
          className="emote"
          ref={toggleRef('emotes')}
          aria-expanded={showEmotes}
          disabled={view.connection !== 'joined'}
          onClick={toggle('emotes', showEmotes, setShowEmotes)}
        >
          Emote
        </button>
        <button
          type="button"
          className="settings-button"
          ref={toggleRef('settings')}
          aria-expanded={showSettings}
          onClick={toggle('settings', showSettings, setShowSettings)}
        >
          Settings
        </button>
        <button
          type="button"
          className="account-button"
          ref={toggleRef('account')}
          aria-expanded={showAccount}
          onClick={toggle('account', showAccount, setShowAccount)}
        >
          {account ?? 'Sign in'}
        </button>
        {!store.preview && (
          <button
            type="button"
            className="items-button"
            ref={toggleRef('items')}
            aria-expanded={showItems}
            onClick={toggle('items', showItems, setShowItems)}
          >
            Items
          </button>
        )}
        <button
          type="button"
          className="press"
          onClick={press}
          disabled={pressing || view.connection !== 'joined'}
        >
          Press the button ({view.presses})
        </button>
        <button
          type="button"
          className={`mic ${view.microphone ? 'live' : ''}`}
          disabled={!view.canTalk}
          onClick={() => void connection.current?.setMicrophone(!view.microphone)}
          title={view.canTalk ? 'Talk to people nearby' : (view.voiceStatus ?? 'Voice is not available')}
        >
          {view.microphone ? 'Mic on' : 'Mic off'}
        </button>
        {!store.preview && (
          <EnterVrButton
            disabled={view.connection !== 'joined' || vr !== null}
            onEntered={setVr}
            onProblem={(text) => (store.notice = { text, until: performance.now() + 6_000 })}
          />
        )}
        <VideoButtons view={view} setVideo={(kind, on) => void connection.current?.setVideo(kind, on)} />
        {view.voiceStatus && <span className="voice">{view.voiceStatus}</span>}
        {/* Notices are captions: read out by screen readers as they appear (a live region kept mounted). */}
        <span className="help" role="status">
          {view.notice ??
            (touch
              ? 'Drag the stick or tap the ground to move'
              : 'WASD or arrows to move · Shift run · Space jump · E use · 1–6 emote · Enter chat · Tab for the buttons')}
        </span>
      </div>
      {(view.connection === 'reconnecting' ||
        view.connection === 'closed' ||
        view.connection === 'error') && (
        <div className={`banner ${view.connection}`} role="alert">
          {view.connection === 'reconnecting'
            ? (view.problem ?? 'Connection lost — reconnecting…')
            : view.problem}
        </div>
      )}
      <div className={`loading ${loaded ? 'done' : ''}`} aria-hidden={loaded}>
        <div className="loading-card">
          <div className="loading-title">metaverse-in-a-box</div>
          <div className="loading-stage">{view.connection === 'error' ? view.problem : view.stage}</div>
          <div
            className="loading-bar"
            role="progressbar"
            aria-label="Loading the world"
            aria-valuenow={Math.round(view.progress * 100)}
            aria-valuemin={0}
            aria-valuemax={100}
          >
            <div className="loading-fill" style={{ width: `${Math.round(view.progress * 100)}%` }} />
          </div>
          {view.otherInstance && (
            <button
              type="button"
              className="other-instance"
              onClick={() => window.location.assign(inviteLink(options.world, null))}
            >
              Join another instance
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
