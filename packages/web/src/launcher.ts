import { mount } from "svelte";
import Launcher from "./components/Launcher.svelte";
import "./styles.css";

mount(Launcher, { target: document.getElementById("launcher")! });
