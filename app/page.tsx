import { HomeEditor } from './HomeEditor';

export default function Home() {
  return <HomeEditor />;
}
