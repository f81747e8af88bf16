import type { CSSProperties } from "react";

/**
 * The panel's look, as inline styles: it belongs to no app's stylesheet (Tailwind or not), and
 * styles set from script pass a Content-Security-Policy that refuses inline <style>.
 */
export const styles = {
  toggle: {
    // A tab on the right edge, half-way down: the corners hold Next.js's own indicator (bottom
    // left) and pages' controls (a composer's Send button, a sign-out).
    position: "fixed",
    right: 0,
    top: "50%",
    transform: "translateY(-50%)",
    zIndex: 2147483646,
    font: "600 11px ui-monospace, monospace",
    padding: "6px 6px",
    borderRadius: "6px 0 0 6px",
    border: "1px solid #475569",
    borderRight: "none",
    background: "#0f172a",
    color: "#e2e8f0",
    cursor: "pointer",
    opacity: 0.8,
  },
  panel: {
    // Top right, clear of the bottom where pages keep their composer and its Send button.
    position: "fixed",
    right: 8,
    top: 8,
    zIndex: 2147483647,
    width: "min(460px, calc(100vw - 16px))",
    maxHeight: "calc(100vh - 140px)",
    overflow: "auto",
    font: "12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace",
    background: "#0f172a",
    color: "#e2e8f0",
    border: "1px solid #334155",
    borderRadius: 8,
    boxShadow: "0 8px 30px rgba(0,0,0,0.4)",
    padding: 10,
  },
  header: { display: "flex", justifyContent: "space-between", alignItems: "center", marginBottom: 6 },
  heading: { font: "700 12px ui-monospace, monospace", color: "#93c5fd", margin: "10px 0 4px" },
  row: { display: "flex", gap: 8, flexWrap: "wrap" },
  muted: { color: "#94a3b8" },
  ok: { color: "#86efac" },
  bad: { color: "#fca5a5" },
  code: { whiteSpace: "pre-wrap", wordBreak: "break-all", margin: 0, color: "#cbd5e1" },
  list: { listStyle: "none", margin: 0, padding: 0 },
  input: {
    width: "100%",
    boxSizing: "border-box",
    font: "12px ui-monospace, monospace",
    background: "#1e293b",
    color: "#e2e8f0",
    border: "1px solid #475569",
    borderRadius: 4,
    padding: 4,
  },
  button: {
    font: "600 12px ui-monospace, monospace",
    background: "#1d4ed8",
    color: "white",
    border: "none",
    borderRadius: 4,
    padding: "4px 10px",
    cursor: "pointer",
  },
} satisfies Record<string, CSSProperties>;
