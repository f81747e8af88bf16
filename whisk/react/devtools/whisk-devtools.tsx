import { useEffect, useState } from "react";
import { useConnection } from "../whisk-provider";
import { DevtoolsPanel } from "./devtools-panel";
import { styles } from "./styles";

/** Alt+Shift+W ("W" for Whisk) opens and closes the panel; read by key position, so it works on any layout. */
export const DEVTOOLS_SHORTCUT = { altKey: true, shiftKey: true, code: "KeyW" } as const;

/**
 * The devtools: a small button in the page's corner, and the panel it opens (or Alt+Shift+W).
 * WhiskProvider renders it in development only; a production bundle holds none of it.
 */
export default function WhiskDevtools() {
  const connection = useConnection("WhiskDevtools");
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && event.shiftKey && event.code === DEVTOOLS_SHORTCUT.code) {
        event.preventDefault();
        setOpen((was) => !was);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  if (open) return <DevtoolsPanel connection={connection} onClose={() => setOpen(false)} />;
  return (
    <button
      type="button"
      style={styles.toggle}
      onClick={() => setOpen(true)}
      aria-label="Open Whisk devtools"
      title="Whisk devtools (Alt+Shift+W)"
    >
      Whisk
    </button>
  );
}
