/**
 * The player's parts a visitor may never open — the HUD's panels, touch controls, the entry page and its
 * look picker — each fetched the first time it is shown, so a first visit downloads only what the world's
 * first frame needs (bench:client's firstLoadJsBytes). A part whose code cannot be fetched (the connection
 * dropped, or a new release replaced the files) says so in its place instead of taking the page down.
 */
import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';

class OnDemandBoundary extends Component<{ name: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="on-demand-problem" role="alert">
        The {this.props.name} could not be loaded. Check your connection, then reload the page.
      </div>
    );
  }
}

/** `load` once, the first time the component renders; nothing is shown while it downloads. */
export function onDemand<P extends object>(
  name: string,
  load: () => Promise<ComponentType<P>>,
): ComponentType<P> {
  const Loaded = lazy(() => load().then((component) => ({ default: component })));
  function OnDemand(props: P) {
    return (
      <OnDemandBoundary name={name}>
        <Suspense fallback={null}>
          <Loaded {...props} />
        </Suspense>
      </OnDemandBoundary>
    );
  }
  return OnDemand;
}

export const PeopleList = onDemand('list of people', () =>
  import('./PeopleList.js').then((m) => m.PeopleList),
);
export const SignInPanel = onDemand('sign-in panel', () =>
  import('./SignInPanel.js').then((m) => m.SignInPanel),
);
export const ItemsPanel = onDemand('items panel', () => import('./ItemsPanel.js').then((m) => m.ItemsPanel));
export const EmoteBar = onDemand('emote bar', () => import('./EmoteBar.js').then((m) => m.EmoteBar));
export const SettingsPanel = onDemand('settings panel', () =>
  import('./SettingsPanel.js').then((m) => m.SettingsPanel),
);
export const TouchControls = onDemand('touch controls', () =>
  import('./TouchControls.js').then((m) => m.TouchControls),
);
export const AvatarChooser = onDemand('avatar chooser', () =>
  import('./AvatarChooser.js').then((m) => m.AvatarChooser),
);
export const LookPicker = onDemand('look picker', () => import('./LookPicker.js').then((m) => m.LookPicker));
export const EntryPage = onDemand('entry page', () => import('./EntryPage.js').then((m) => m.EntryPage));
