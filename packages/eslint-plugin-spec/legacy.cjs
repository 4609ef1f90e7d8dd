// `.eslintrc` configs load plugins with require(); Node 20.19+ can require() the ES module.
module.exports = require('./dist/index.js').default;
