"""The clinic-website chat widget (static files in widget/static) and its demo page server."""
