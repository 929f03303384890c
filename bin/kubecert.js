#!/usr/bin/env -S node --initial-heap-size=256 --min-semi-space-size=8 --max-semi-space-size=8
'use strict';
require('../dist/cli.js').run();
