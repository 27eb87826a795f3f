export default function Home() {
  return <main><h1>Graft</h1></main>;
}
