"""`culture cms`: the Decap CMS web editor, configured from the content model."""
