export { demoEmail, demoEmailDomain } from './demo-catalog.js';
export {
  createDemoWorkspace,
  type DemoFile,
  demoFileName,
  readDemoFile,
  writeDemoFile,
} from './demo-workspace.js';
