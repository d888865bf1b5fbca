"""One module per URL: register_page, then layout(), then its callbacks."""
