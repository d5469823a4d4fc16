/** Whether the device has a touch screen (the HUD then offers TouchControls). */
export const hasTouchScreen = (): boolean =>
  navigator.maxTouchPoints > 0 || window.matchMedia('(pointer: coarse)').matches;
