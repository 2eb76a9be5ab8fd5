// The browser comes from Debian (chromium-headless-shell); nothing may download one.
module.exports = { skipDownload: true };
