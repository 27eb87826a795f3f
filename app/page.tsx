import { GraftEditor } from './components/canvas/Editor';

export default function Home() {
  return <GraftEditor />;
}
