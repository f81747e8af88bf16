// The minimal template's front page is the hello-world of /hello.
export { default } from "./hello/page";
