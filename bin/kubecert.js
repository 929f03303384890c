#!/usr/bin/env -S node --min-semi-space-size=16 --initial-heap-size=256
'use strict';
require('../dist/cli.js').run();
