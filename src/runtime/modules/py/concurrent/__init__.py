"""concurrent: a package holding concurrent.futures."""
