// Runs the web editor's file formats (build_tools/cms/assets/culture-cms.js) outside the
// browser: node formats.js <order.json> <file>… reads each file as the editor would
// (fromFile) and writes it back as a save would (toFile), in place. order.json maps a
// folder to the form's field order, as Decap hands it to toFile.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
global.window = { location: { hash: "" } };
global.document = { getElementById: () => null, baseURI: "http://localhost/admin/" };
const formats = {};
window.CMS = {
  registerCustomFormat: (name, extension, formatter) => (formats[extension] = formatter),
  registerWidget() {},
  registerPreviewStyle() {},
  registerPreviewTemplate() {},
};
window.h = () => null;
window.createClass = (spec) => spec;
window.jsyaml = require(path.join(root, "node_modules", "js-yaml"));
eval(fs.readFileSync(path.join(root, "build_tools", "cms", "assets", "culture-cms.js"), "utf8"));

const [orderFile, ...files] = process.argv.slice(2);
const orders = JSON.parse(fs.readFileSync(orderFile, "utf8"));
for (const file of files) {
  const format = formats[path.extname(file).slice(1)];
  const order = orders[path.dirname(file)] || [];
  const data = format.fromFile(fs.readFileSync(file, "utf8"));
  fs.writeFileSync(file, format.toFile(data, order));
}
