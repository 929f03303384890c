#!/usr/bin/env -S node --initial-heap-size=256
'use strict';
require('../dist/cli.js').run();
