"""One layout module per page: `layout(**query)` returns the page's component tree."""
