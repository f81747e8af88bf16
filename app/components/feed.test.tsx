import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { FeedItem } from "@/app/lib/use-room-feed";
import { Feed } from "./feed";

const entered = (name: string): FeedItem => ({ kind: "notice", notice: "entered", id: "n1", user: { id: "u1", name }, at: 0 });

const render = (items: FeedItem[]) => renderToStaticMarkup(<Feed items={items} me={{ id: "me" }} loading={false} />);

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
