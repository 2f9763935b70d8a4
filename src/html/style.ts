// The pages' one stylesheet: /verify, /me and the operator console (/console) share these fonts, colours and controls.

/** The base look of every page, inlined in each layout's <style> (the pages load nothing else). */
export const pageStyle = `  :root { color-scheme: light dark; --accent: #0b5fff; --error: #b00020; }
  body {
    font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    margin: 0; padding: 1.25rem; max-width: 30rem; margin-inline: auto;
  }
  h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; }
  label { display: block; font-weight: 600; margin-top: 1rem; }
  .hint { display: block; font-size: 0.9rem; opacity: 0.75; }
  input {
    display: block; box-sizing: border-box; width: 100%; font-size: 1.1rem; padding: 0.7rem; margin-top: 0.35rem;
    border: 1px solid #888; border-radius: 8px;
  }
  input[aria-invalid="true"] { border: 2px solid var(--error); }
  .error { color: var(--error); font-weight: 600; margin: 0.35rem 0 0; }
  button {
    font-size: 1.05rem; padding: 0.75rem 1.1rem; margin-top: 1.25rem; border-radius: 8px; border: 0;
    background: var(--accent); color: #fff; width: 100%; cursor: pointer;
  }
  button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); }
  a.button {
    display: block; box-sizing: border-box; text-align: center; text-decoration: none; font-size: 1.05rem; padding: 0.75rem 1.1rem;
    margin-top: 1.25rem; border-radius: 8px; background: var(--accent); color: #fff;
  }
  form.inline button { width: auto; margin-top: 0; padding: 0.45rem 0.8rem; font-size: 0.95rem; white-space: nowrap; }
  ul.topics { list-style: none; padding: 0; }
  ul.topics li {
    display: flex; align-items: center; justify-content: space-between; gap: 0.75rem; padding: 0.6rem 0;
    border-bottom: 1px solid #8884;
  }
  .notice { padding: 0.75rem; border-radius: 8px; background: #fff3cd; color: #664d03; }
  .success { padding: 0.75rem; border-radius: 8px; background: #d1e7dd; color: #0f5132; font-weight: 600; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
  a { color: var(--accent); }
`
