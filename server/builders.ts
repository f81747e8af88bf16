import { createBuilders } from "whisk/server";
import type { AppServices } from "./services";

/** The route, observer and worker builders of this app, bound to its context type once. */
export const { route, observe, work } = createBuilders<AppServices>();
