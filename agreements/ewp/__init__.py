"""Erasmus Without Paper, Interinstitutional Agreements API v7: our agreements as IIA documents.

`documents` reads and validates XML safely against the vendored schemas (`spec/`), `iia_hash`
computes `iia-hash` as the official `transform_version_7.xsl` does, `export` builds the
`<iias-get-response>` of an agreement (one `<iia>` per partner) or says what is missing.
"""
