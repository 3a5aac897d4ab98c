// Loaded before anything else in mocha, so node-config and the logger see the test environment.
process.env.NODE_ENV = 'test'
