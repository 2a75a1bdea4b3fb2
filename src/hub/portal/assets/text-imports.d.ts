/**
 * Files the portal embeds as text (Bun's `import x from "..." with { type: "text" }`):
 * TypeScript knows nothing of the import attribute, so these say what such an import gives.
 */
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "*.min.js" {
  const text: string;
  export default text;
}
declare module "*.client.js" {
  const text: string;
  export default text;
}
declare module "*.svg" {
  const text: string;
  export default text;
}
