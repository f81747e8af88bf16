/**
 * Node module hooks for the development reload (registered by fresh-import.ts). A module under
 * the watched folder imported with `?whisk-reload=N` passes the same mark to every module under
 * that folder it imports, so a reload loads the whole of the app's server code afresh; anything
 * outside the folder (Whisk itself, packages) resolves as usual, to the one copy already loaded.
 */
const MARK = "whisk-reload";
/** @type {string} the watched folder's file URL, ending in "/" */
let folder = "";

/** @param {{ folder: string }} data */
export function initialize(data) {
  folder = data.folder;
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context: object) => Promise<{ url: string }>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const generation = context.parentURL?.startsWith(folder) ? new URL(context.parentURL).searchParams.get(MARK) : null;
  if (generation === null || !resolved.url.startsWith(folder) || resolved.url.includes("?")) return resolved;
  return { ...resolved, url: `${resolved.url}?${MARK}=${generation}` };
}
