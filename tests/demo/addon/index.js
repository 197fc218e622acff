"use strict";
module.exports = require("./build/Release/demo_addon.node");
