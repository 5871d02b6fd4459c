/** Values of the Do Not Track signals that mean "do not track" (W3C TPE "1"; old Firefox/IE "yes"). */
const DNT_ON = ['1', 'yes'];

/**
 * True when the browser asks not to be tracked: Do Not Track (`navigator.doNotTrack`, the older
 * `window.doNotTrack` and `navigator.msDoNotTrack`) or Global Privacy Control
 * (`navigator.globalPrivacyControl`, https://privacycg.github.io/gpc-spec/).
 */
export function isPrivacySignalOn(win: Window): boolean {
  const nav = win.navigator as Navigator & { msDoNotTrack?: string; globalPrivacyControl?: boolean };
  const signals = [nav.doNotTrack, (win as Window & { doNotTrack?: string }).doNotTrack, nav.msDoNotTrack];
  return nav.globalPrivacyControl === true || signals.some((value) => DNT_ON.includes(String(value).toLowerCase()));
}
