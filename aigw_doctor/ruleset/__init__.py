"""Rule loading as one package, in dependency order with no cycle:

`errors` (RuleError, RuleSource) ← `lint` (regex and wording checks) ← `file` (YAML → validated rules) and
`cache` (compiled rules keyed on a file's bytes) ← `catalog` (find packs, load each file cached, merge)
← `selftest` (each rule's own examples, through the engine). The engine sits below `catalog` and imports
none of it at run time.
"""
