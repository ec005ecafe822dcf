package main

import "github.com/acmecorp/rds-proxy/auroraproxy"

// Version is the version of the rds-proxy package: the plugin reports it,
// its schema carries it, and a release's tag (vVersion) and CHANGELOG.md's
// newest entry match it.
const Version = "0.1.0"

// packageName is the package's name, the first part of its tokens.
const packageName = auroraproxy.PackageName
