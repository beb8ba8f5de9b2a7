"""The NL API Design Rules, checked by their own linter: Spectral (pinned in
package.json here) with the ruleset that Logius publishes (adr-ruleset.yaml,
kept unchanged), run on the OpenAPI document that the registry serves."""
