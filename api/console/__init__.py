"""The dispatcher's console: server-rendered pages over the store, with every CLI action.

Pages are Jinja2 templates shipped in this package with their CSS and JavaScript (no CDN); every
action calls the same store function the command line calls (`store.hand`, `store.workflow`,
`store.nightly`), attributed in the audit trail to the API key that signed in.
"""
