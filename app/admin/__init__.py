"""What the admin pages ask of the domain: imports from the browser, targets (quotas)."""
