/**
 * On touch screens: a joystick (drag from its centre; near the rim runs) and a jump button. Shown when the
 * device has a touch screen; a mouse and keyboard never see it.
 */
import { useRef, useState, type PointerEvent } from 'react';
import { setHeldKey } from '../../shared/world/systems/keyboard.js';
import { setJoystick } from '../../shared/world/systems/pointer-move.js';

/** The joystick's radius in CSS pixels (the knob travels this far from the centre). */
const RADIUS = 56;

export function TouchControls() {
  const base = useRef<HTMLDivElement>(null);
  const [knob, setKnob] = useState({ x: 0, y: 0 });

  const follow = (event: PointerEvent<HTMLDivElement>) => {
    const box = base.current?.getBoundingClientRect();
    if (!box) return;
    let dx = event.clientX - (box.left + box.width / 2);
    let dy = event.clientY - (box.top + box.height / 2);
    const length = Math.hypot(dx, dy);
    if (length > RADIUS) {
      dx *= RADIUS / length;
      dy *= RADIUS / length;
    }
    setKnob({ x: dx, y: dy });
    setJoystick(true, dx / RADIUS, -dy / RADIUS);
  };
  const release = () => {
    setKnob({ x: 0, y: 0 });
    setJoystick(false);
  };
  return (
    <div className="touch-controls">
      <div
        ref={base}
        className="joystick"
        role="slider"
        aria-label="Move"
        aria-valuetext={knob.x === 0 && knob.y === 0 ? 'still' : 'moving'}
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          follow(event);
        }}
        onPointerMove={(event) => {
          if (event.currentTarget.hasPointerCapture(event.pointerId)) follow(event);
        }}
        onPointerUp={release}
        onPointerCancel={release}
      >
        <div className="joystick-knob" style={{ transform: `translate(${knob.x}px, ${knob.y}px)` }} />
      </div>
      <button
        type="button"
        className="jump"
        onPointerDown={() => setHeldKey('Space', true)}
        onPointerUp={() => setHeldKey('Space', false)}
        onPointerCancel={() => setHeldKey('Space', false)}
      >
        Jump
      </button>
    </div>
  );
}
