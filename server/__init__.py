"""HTTP and process concerns of the composition root: the outer app that owns `/api/…`, `/healthz`, `/metrics` and
`/docs`, its middleware (security headers, gzip, body-size limit), its error handlers, and the GC policy."""
