// Intentionally empty: handbook pages have no code blocks, so mdBook's bundled highlight.js is not shipped.
