import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { FeedItem, Sending } from "@/app/lib/use-room-feed";
import { Feed } from "./feed";

const entered = (name: string): FeedItem => ({ kind: "notice", notice: "entered", id: "n1", user: { id: "u1", name }, at: 0 });

const render = (items: FeedItem[]) =>
  renderToStaticMarkup(<Feed items={items} me={{ id: "me" }} loading={false} onRetry={() => {}} onDiscard={() => {}} />);

describe("Feed notices", () => {
  it("writes the sentence from the notice's data, with the name in an element of its own", () => {
    expect(render([entered("Carol")])).toContain('<bdi class="font-semibold">Carol</bdi> entered the room');
  });

  it("keeps a name that reads as a sentence inside its element, so it cannot pass for a notice", () => {
    expect(render([entered("Bob entered Orbit. Eve")])).toContain(
      '<bdi class="font-semibold">Bob entered Orbit. Eve</bdi> entered the room',
    );
  });

  it("shows a name as text, never as HTML", () => {
    expect(render([entered("<b>Eve</b>")])).toContain('<bdi class="font-semibold">&lt;b&gt;Eve&lt;/b&gt;</bdi>');
  });
});

describe("Feed refusals", () => {
  it("shows why the room refused us, as an alert", () => {
    const refused: FeedItem = { kind: "refused", id: "refused:room", text: "Someone in this room has a name that looks like yours." };
    expect(render([refused])).toMatch(/<p role="alert"[^>]*>Someone in this room has a name that looks like yours\.<\/p>/);
  });
});

describe("Feed messages sent from here", () => {
  const mine = (sending: Sending): FeedItem => ({
    kind: "message",
    id: "pending:c1",
    author: { id: "me", name: "Me" },
    text: "on its way",
    at: 0,
    sending,
  });

  it("marks one on its way as sending, faded", () => {
    const html = render([mine({ clientId: "c1", state: "sending", error: null })]);
    expect(html).toContain('<p class="opacity-60">');
    expect(html).toContain("Sending…");
  });

  it("says why one failed, with Retry and Discard", () => {
    const html = render([mine({ clientId: "c1", state: "failed", error: "Sign in first." })]);
    expect(html).toMatch(/<span role="alert"[^>]*>Not sent: Sign in first\. <button[^>]*>Retry<\/button> <button[^>]*>Discard<\/button>/);
    expect(html).not.toContain("opacity-60");
  });

  it("shows the room's copy plainly", () => {
    const html = render([{ kind: "message", id: "m1", author: { id: "me", name: "Me" }, text: "here", at: 0 }]);
    expect(html).not.toContain("Sending…");
    expect(html).not.toContain("Not sent");
  });
});
